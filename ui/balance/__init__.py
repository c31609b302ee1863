"""Page 粪污土地承载力 / Manure–land balance: county grades, parcel capacity, farm calculator.

`ui.balance.page` is the page (`render`, registered in `ui.navigation`). Its concepts:
`state` (session keys, the parcel layer in use, language-safe choices), `format` (numbers
and units as text), `county` (the county balance map and table), `parcels` (the parcel
layer: upload and map), `farm` (the farm calculator) and `coefficients` (the coefficient
editor).
"""

from ui.balance.page import render

__all__ = ["render"]

"""Version history of a saved site and revert to an earlier version (saved as a new one).

The scenario store keeps every version of a site (`ScenarioStore.site_history`); reverting writes
the chosen version's fields and outline as the next version, so nothing is lost and the
audit trail records it.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from planning.scenarios import site_records
from siting.site_footprint import footprint_area_mu
from ui.labels import t, t_or
from ui.planner import state as ps
from ui.planner.files import flash, user_name
from ui.planner.sites import loaded_version
from ui.worker import in_worker

if TYPE_CHECKING:
    from planning.scenarios import ScenarioStore, SiteRecord
    from siting.scenario_run import ScenarioInputs


#: Time of a version in the table (UTC, as stored; the column title says so): minutes are
#: enough to tell versions apart, and the full ISO time pushed the herd out of view.
WHEN_FORMAT = "%Y-%m-%d %H:%M"


def history_table(history: pd.DataFrame, analysis_crs: str, lang: str) -> pd.DataFrame:
    """Return one row per version: version, action (in words), time (UTC, to the minute), user,
    footprint (亩), dairy head."""
    return pd.DataFrame(
        {
            t("planner.hcol.version", lang): history["version"].astype(int).to_numpy(),
            t("planner.hcol.action", lang): [
                t_or(f"audit.site.{verb}", lang, str(verb)) for verb in history["action"]
            ],
            t("planner.hcol.when", lang): pd.to_datetime(history["updated_at"], utc=True)
            .dt.strftime(WHEN_FORMAT)
            .to_numpy(),
            t("planner.hcol.user", lang): history["updated_by"].astype(str).to_numpy(),
            t("planner.hcol.area", lang): footprint_area_mu(
                list(history.geometry), analysis_crs=analysis_crs
            ).round(1),
            t("planner.hcol.herd", lang): history["dairy_cow_head"].fillna(0).astype(int),
        }
    )


def render_history(
    store: ScenarioStore, base: SiteRecord, inputs: ScenarioInputs, lang: str
) -> None:
    """Show the site's versions and offer to revert to an earlier one."""
    history = store.site_history(str(base.site_id))
    with st.expander(t("planner.history", lang).format(n=len(history))):
        st.dataframe(
            in_worker(history_table, history, inputs.analysis_crs, lang),
            hide_index=True,
            width="stretch",
        )
        earlier = [int(v) for v in history["version"] if int(v) != base.version]
        if not earlier:
            return
        col_pick, col_go = st.columns([1, 2], vertical_alignment="bottom")
        version = col_pick.selectbox(
            t("planner.history_pick", lang), earlier[::-1], key=ps.HISTORY_PICK
        )
        if col_go.button(t("planner.revert", lang), key="planner_revert", width="stretch"):
            old = site_records(history[history["version"] == version].drop(columns="action"))[0]
            restored = dataclasses.replace(old, version=base.version)
            saved = store.update_site(
                restored, expected_version=loaded_version(base), user=user_name()
            )
            st.session_state[ps.PENDING_SELECT] = str(saved.site_id)
            flash(
                "success",
                t("planner.msg.reverted", lang).format(
                    name=saved.name, old=version, version=saved.version
                ),
            )
            st.rerun()

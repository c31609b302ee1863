"""Page 上传数据 / Upload: check a vector file the way bundled data is checked, and map it.

`ui.upload.page` is the page (`render`, registered in `ui.navigation`).
"""

from ui.upload.page import render

__all__ = ["render"]

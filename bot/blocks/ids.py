"""Action ids shared by the Block Kit builders that emit them and the listeners that handle them."""

SESSIONS_PAGE = "sessions_page"

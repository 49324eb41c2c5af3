"""Action ids shared by the Block Kit builders that emit them and the listeners that handle them."""

SESSIONS_PAGE_NEXT = "sessions_page_next"
SESSIONS_PAGE_PREVIOUS = "sessions_page_previous"
SESSION_REGISTER = "session_register"
SESSION_UNREGISTER = "session_unregister"

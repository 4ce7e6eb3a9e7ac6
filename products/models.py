# Filled by its own issue (see the issue list); the app exists so that the layout is in place.

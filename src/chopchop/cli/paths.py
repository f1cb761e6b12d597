"""Where the app is: what servers and the Litestar CLI load."""

APP_PATH = "chopchop.app:create_app"

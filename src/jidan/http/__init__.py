"""What the API and the web pages share over HTTP (errors, the session cookie) and the app that
composes both; api/ and web/ import from here, never from each other."""

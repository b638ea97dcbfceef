"""The web app (`qualify serve`): server-rendered pages and a JSON API over the engine."""

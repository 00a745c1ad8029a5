"""Pages of the web shell: home, account settings, organisations, API keys, PWA files."""

urlpatterns: list[object] = []

"""Work without signal: the installable app (manifest, service worker) and the offline forms for visits with
attendance and monthly progress reports, kept in the browser and sent through the API once the signal returns.
See README.md."""

"""Where articles come from: files and folders (`files`), and subscribed feeds (`feeds`)."""

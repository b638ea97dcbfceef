"""The renderers behind ``qualify.io.writers``, one module per format (terminal, Markdown, wikitext, Excel)."""

"""Year-over-year output: the comparison page (HTML), its DOCX export and the ``compare`` command."""

"""What the reader finds in the articles beyond their names: words (`words`), related articles (`related`),
story threads (`stories`), and the worker processes that share the work out (`workers`, `pool`)."""

""""My work" (Việc của tôi): the page a person lands on after signing in."""

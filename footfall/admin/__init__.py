"""Site configuration that is not the site itself: goals and custom dimensions."""

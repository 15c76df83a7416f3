"""The JavaScript tracker (footfall.js), the opt-out, their HTTP routes and the tracking snippets."""

"""E-mail notifications: the outbox, rendering, delivery after commit, the admin page."""

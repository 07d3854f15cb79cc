"""The lab's API routers, one per concern: scenarios, params, runs, compare, history."""

"""Following: users follow authors; their feed is the recent recipes of the authors they follow."""

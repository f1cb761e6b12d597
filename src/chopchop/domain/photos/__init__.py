"""Recipe photos: uploads, their order and cover, variants made by a job, and the media route."""

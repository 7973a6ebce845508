"""Writing frames: animations, stills, frame files, logs, the player page and video, all or nothing."""

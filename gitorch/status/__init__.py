"""What a person sees of a repository's tracks: the status document `gitorch status` prints."""

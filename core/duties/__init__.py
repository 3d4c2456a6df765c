"""Post responsibility: who answers for each duty of a site."""

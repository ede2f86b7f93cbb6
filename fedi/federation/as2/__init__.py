"""Every internal -> AS2 conversion: notes, activities, actors, captions as HTML and tags."""

// Notebooks and pictures.

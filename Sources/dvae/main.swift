print("dvae")

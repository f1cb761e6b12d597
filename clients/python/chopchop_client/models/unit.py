from enum import StrEnum


class Unit(StrEnum):
    BUNCH = "bunch"
    CAN = "can"
    CLOVE = "clove"
    CUP = "cup"
    DASH = "dash"
    G = "g"
    KG = "kg"
    L = "l"
    MG = "mg"
    ML = "ml"
    PIECE = "piece"
    PINCH = "pinch"
    SLICE = "slice"
    TBSP = "tbsp"
    TSP = "tsp"

    def __str__(self) -> str:
        return str(self.value)

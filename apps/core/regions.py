"""Regions of Quzhou (DOMAIN §0): administrative divisions and functional areas."""

CITY_CODE = "330800"

# (code, name, kind, short names seen in documents)
DIVISIONS = [
    ("330800", "衢州市", "city", ["市本级", "衢州"]),
    ("330802", "柯城区", "district", ["柯城"]),
    ("330803", "衢江区", "district", ["衢江"]),
    ("330822", "常山县", "county", ["常山"]),
    ("330824", "开化县", "county", ["开化"]),
    ("330825", "龙游县", "county", ["龙游"]),
    ("330881", "江山市", "county_city", ["江山"]),
]

# Functional areas appear as units but are not administrative divisions: no code.
FUNCTIONAL_AREAS = [
    ("绿色产业集聚区", ["集聚区"]),
    ("智慧新城", []),
]

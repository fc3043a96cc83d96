"""The actor network as GraphML and GEXF (for Gephi, Cytoscape, networkx)."""
from __future__ import annotations

import json
from xml.etree import ElementTree as ET


def graphml(nodes: list[dict], edges: list[dict]) -> str:
    root = ET.Element("graphml", xmlns="http://graphml.graphdrawing.org/xmlns")
    for key, target, name, typ in (("d0", "node", "label", "string"), ("d1", "node", "kind", "string"),
                                   ("d2", "node", "country", "string"), ("d3", "node", "events", "int"),
                                   ("d4", "edge", "weight", "double"), ("d5", "edge", "types", "string")):
        ET.SubElement(root, "key", {"id": key, "for": target, "attr.name": name, "attr.type": typ})
    g = ET.SubElement(root, "graph", id="parley", edgedefault="undirected")
    for n in nodes:
        el = ET.SubElement(g, "node", id=n["id"])
        for key, field in (("d0", "label"), ("d1", "kind"), ("d2", "country"), ("d3", "events")):
            if n.get(field) is not None:
                ET.SubElement(el, "data", key=key).text = str(n[field])
    for i, e in enumerate(edges):
        el = ET.SubElement(g, "edge", id=f"e{i}", source=e["source"], target=e["target"])
        ET.SubElement(el, "data", key="d4").text = str(e["weight"])
        ET.SubElement(el, "data", key="d5").text = json.dumps(e["types"], sort_keys=True)
    return _xml(root)


def gexf(nodes: list[dict], edges: list[dict]) -> str:
    root = ET.Element("gexf", {"xmlns": "http://gexf.net/1.3", "version": "1.3"})
    ET.SubElement(ET.SubElement(root, "meta"), "creator").text = "parley"
    g = ET.SubElement(root, "graph", defaultedgetype="undirected", mode="static")
    attrs = ET.SubElement(g, "attributes", {"class": "node"})
    for i, (name, typ) in enumerate((("kind", "string"), ("country", "string"), ("events", "integer"))):
        ET.SubElement(attrs, "attribute", id=str(i), title=name, type=typ)
    el_nodes = ET.SubElement(g, "nodes")
    for n in nodes:
        el = ET.SubElement(el_nodes, "node", id=n["id"], label=n.get("label") or n["id"])
        vals = ET.SubElement(el, "attvalues")
        for i, field in enumerate(("kind", "country", "events")):
            if n.get(field) is not None:
                ET.SubElement(vals, "attvalue", {"for": str(i), "value": str(n[field])})
    el_edges = ET.SubElement(g, "edges")
    for i, e in enumerate(edges):
        ET.SubElement(el_edges, "edge", id=str(i), source=e["source"], target=e["target"],
                      weight=str(e["weight"]), label=",".join(f"{k}:{v}" for k, v in sorted(e["types"].items())))
    return _xml(root)


def _xml(root) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

"""Which routing step takes a material in (C6): the step the BOM names for the component it is or
goes into, else the first step."""
from decimal import Decimal

from jidan.domain.model import BomItem, Product, RoutingStep
from jidan.services.materials.material_plan import consuming_step


def board(code: str, bom: list[BomItem]) -> Product:
    """SMT (10), then assembly (20); fresh steps each time (the ORM may have mapped the classes)."""
    return Product(code, "board", Decimal(1), 5, bom=bom, routing=[
        RoutingStep(10, "SMT1", "SMT", 0, Decimal(1)), RoutingStep(20, "ASM1", "assembly", 0, Decimal(1))])


BOARD = board("SCB-9", [BomItem("HARNESS", Decimal(1), step_seq=20), BomItem("PCB", Decimal(1))])
CHILDREN = {"HARNESS": ["CABLE", "PLUG"], "PLUG": ["PIN"]}


def test_c6_a_component_goes_in_at_the_step_its_bom_line_names():
    assert consuming_step(BOARD, "HARNESS", CHILDREN) == 20


def test_c6_a_material_inside_a_sub_assembly_goes_in_with_it_at_every_level():
    assert consuming_step(BOARD, "CABLE", CHILDREN) == 20
    assert consuming_step(BOARD, "PIN", CHILDREN) == 20


def test_c6_a_component_without_a_step_goes_in_at_the_first_step():
    assert consuming_step(BOARD, "PCB", CHILDREN) == 10


def test_c6_a_material_used_at_two_steps_is_needed_by_the_earlier():
    both = board("SCB-8", [BomItem("HARNESS", Decimal(1), step_seq=20), BomItem("KIT", Decimal(1))])
    assert consuming_step(both, "PIN", {**CHILDREN, "KIT": ["PIN"]}) == 10

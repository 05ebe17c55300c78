"""Fulfilment (G1–I5, L1–M4), one module per job:

- ``receipts``: the finished goods receipt and what follows it (G1, G2);
- ``drawings``: temporary drawings lent out with the order and their return (L1, L2, M4);
- ``shipping``: booking, the shipping notice, dispatch and delivery (G3–G5);
- ``feedback``: the customer's rating behind a signed link (I1);
- ``incidents``: incidents after delivery, their solution, customer contact, compensation (I2–I4);
- ``organisation``: the emergency organisation that hears of every incident (I5);
- ``records``: the record of a completed order, frozen when it closes (M2, M4);
- ``common``: the version check and ISO times every fulfilment record uses.
"""

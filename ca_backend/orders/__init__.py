"""Orders, by the stages of their life: intake (intake.py: created once per kiosk UUID, forever,
its form, attachments and submission), review (review.py: the queue, approval, rejection) and
fulfilment (fulfilment.py: what happens once approved and paid, and the hall's shipping and
hand-over). What the stages share is the ledger (ledger.py): reading orders and their views,
sealing forms, and moving statuses with events and notifications. ca_backend/backend.py builds
one ledger and each stage over it."""

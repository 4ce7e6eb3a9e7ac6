from django.dispatch import Signal

# Sent inside the transition's transaction, after the state is saved and the history row written:
# receivers keep their own projections in step (the public index) and commit or roll back with it.
# Arguments: obj (the reviewed object), event (the ReviewEvent).
transitioned = Signal()

# Sent inside number_issue's transaction once a filing has its number (NUM-01). Argument: filing.
number_issued = Signal()

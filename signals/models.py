# Signals, routing and the follow-up workflow arrive with the signals issue.

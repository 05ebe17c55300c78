"""The emergency state (紧急状态, J1–J4): declare, re-plan, tell, lift with its review, and drills."""

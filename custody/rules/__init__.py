"""The rules a custody entry must meet (legal instruments, event order), one copy for recording and verifying."""

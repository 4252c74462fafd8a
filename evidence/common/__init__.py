"""What every part of the evidence layer shares: errors, canonical JSON, sizes, the version, progress, file habits."""

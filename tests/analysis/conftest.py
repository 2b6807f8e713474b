import sys
from pathlib import Path

# The synthetic-log helpers live next to the tests that use them.
sys.path.insert(0, str(Path(__file__).parent))

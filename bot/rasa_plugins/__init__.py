"""careerbot's additions to the Rasa server: the tracker and lock stores named in endpoints.yml (stores.py), and
the one guarded installer of every change to Rasa's internals (patches.py, which installs speedups.py,
safeguards.py and lean_start.py). Nothing here is imported by the action server."""

"""Layer 1, the law: contribution schedule and benefit rules of BPJS Ketenagakerjaan BPU cover
(PP 44/2015 as amended, PP 82/2019, Permenaker 5/2021).  Pure functions of the regulation's
figures, passed in as arguments; imports only :mod:`sim.common`."""

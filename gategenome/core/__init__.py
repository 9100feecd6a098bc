"""Stage-independent building blocks: base encoding, shuffles, runs and statistics.

Pure numpy, no file formats and no torch: base codes and one-hot encoding,
dinucleotide shuffles (the null of the drop caller), runs of true values and
moving averages, and ranking and multiple-testing statistics; settings read from
plain dictionaries with their types checked, progress reporting on stderr,
where the workflow files are (the checkout, or a wheel's copy), the malloc
setting that keeps a training step's freed buffers in the process, and the CPU
cores other processes leave free.
"""

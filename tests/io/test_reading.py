"""reading(): a library's exception on a malformed file becomes one InputError naming it; gzip sniffed in place."""

from __future__ import annotations

import gzip
import os
import threading
import zlib

import pytest
from hostile import corrupt_gzip

from gategenome.errors import ConfigError, InputError
from gategenome.io.reading import open_binary, open_text, reading


@pytest.mark.parametrize("exc", [ValueError("bad"), OSError("block"), zlib.error("Error -3"), OverflowError("big"),
                                 NotImplementedError("seek not implemented"), EOFError("end"), RuntimeError("bw")])
def test_library_exceptions_become_one_line_naming_the_file(exc):
    with pytest.raises(InputError) as caught, reading("calls.vcf.gz", "a VCF"):
        raise exc
    assert str(caught.value).startswith("calls.vcf.gz: cannot read (")
    assert str(caught.value).endswith("expected a VCF")


def test_errors_raised_on_purpose_pass_unchanged():
    with pytest.raises(ConfigError, match="^mine$"), reading("x", "y"):
        raise ConfigError("mine")


def test_a_gzip_corrupt_mid_stream_is_named(tmp_path):
    text = "".join(f"chrI\t{i * 37 % 100003}\t{i * 91 % 100019}\n" for i in range(20000))
    path = corrupt_gzip(tmp_path / "f.tsv.gz", text)
    with pytest.raises(zlib.error):
        gzip.decompress(path.read_bytes())
    with pytest.raises(InputError, match="f.tsv.gz: cannot read \\(corrupt compressed data: Error -3"), \
            reading(path, "fragments"), open_binary(path) as handle:
        handle.read()


def test_a_pipe_loses_nothing_to_the_gzip_sniff(tmp_path):
    text = "".join(f"chrI\t{i}\t{i + 50}\n" for i in range(3000))  # more than 8 KB
    for payload in (text.encode(), gzip.compress(text.encode())):
        read_end, write_end = os.pipe()
        writer = threading.Thread(target=lambda: (os.write(write_end, payload), os.close(write_end)))
        writer.start()
        with open_text(f"/dev/fd/{read_end}") as handle:
            assert handle.read() == text
        writer.join()
        os.close(read_end)

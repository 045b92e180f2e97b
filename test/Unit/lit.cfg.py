# -*- Python -*-
# Runs every *Tests binary of test/Unit as GoogleTest tests.

import lit.formats

config.name = "LIPT-Unit"
config.suffixes = []
config.test_source_root = config.unit_test_dir
config.test_exec_root = config.unit_test_dir
config.test_format = lit.formats.GoogleTest(".", "Tests")

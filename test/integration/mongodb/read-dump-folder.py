#!/usr/bin/env python3
"""An independent reader of a mongodump-layout folder (pymongo's bson, not this project's code).

Prints one JSON object: for every `<db>/<file>.bson` its documents as canonical Extended JSON
strings, and for every `.metadata.json` its parsed content, keyed by the path under the folder.
"""
import json
import os
import sys

from bson import decode_file_iter, json_util
from bson.binary import UuidRepresentation
from bson.codec_options import CodecOptions
from bson.json_util import JSONMode, JSONOptions

root = sys.argv[1]
# Keep subtype-4 binaries as binaries, so they print as canonical $binary like every other reader.
codec = CodecOptions(uuid_representation=UuidRepresentation.UNSPECIFIED)
json_options = JSONOptions(json_mode=JSONMode.CANONICAL, uuid_representation=UuidRepresentation.UNSPECIFIED)
out = {}
for directory, _, files in os.walk(root):
    for name in sorted(files):
        path = os.path.join(directory, name)
        key = os.path.relpath(path, root)
        if name.endswith('.bson'):
            with open(path, 'rb') as handle:
                out[key] = [json_util.dumps(doc, json_options=json_options) for doc in decode_file_iter(handle, codec)]
        elif name.endswith('.metadata.json'):
            with open(path, 'r', encoding='utf-8') as handle:
                out[key] = json.load(handle)
print(json.dumps(out))

#!/usr/bin/env bash
# The test command: installs what it needs, builds, runs every test (unit + real peers).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
swift build --build-tests
echo "== unit and integration tests (swift test)"
set +e
swift test --skip-build > .build/swift-test.log 2>&1
rc=$?
set -e
# Passing tests are one line each; show only what failed plus the closing summary.
grep -E '✘|error:|Fatal|Crash' .build/swift-test.log | head -100 || true
grep -E 'Test run with' .build/swift-test.log | tail -1 || true
[ "$rc" -eq 0 ] || { echo "swift test failed (exit $rc); full log in .build/swift-test.log"; tail -40 .build/swift-test.log; exit "$rc"; }
bin="$(swift build --show-bin-path)/yingyun"
echo "== peer: pydicom agrees with yingyun json on pydicom's bundled files"
python3 Tests/Peers/compare_pydicom.py "$bin"
echo "== peer: dcmtk dcmdump lists the same elements as yingyun dump (fixtures + pydicom files)"
python3 Tests/Peers/compare_dcmdump.py "$bin"
echo "== peer: CLI contract on fixtures and bad input"
bash Tests/Peers/cli_contract.sh "$bin"
echo "== peers: decoded pixels against pydicom/pylibjpeg/gdcm; damaged codestreams"
bash Tests/Peers/imaging_contract.sh "$bin"
echo "== peers: the DICOM listener on 127.0.0.1 (dcmtk, pynetdicom, our SCU against storescp, bad input)"
bash Tests/Peers/dimse_contract.sh "$bin"
echo "== peers: C-GET/C-MOVE/storage commitment SCP (dcmtk getscu/movescu/storescp, pynetdicom)"
bash Tests/Peers/dimse_retrieve_contract.sh "$bin"
echo "== peers: the patient master index over HTTP (dicomweb-client STOW, /mpi, QIDO by linked identifier, CLI)"
bash Tests/Peers/mpi_contract.sh "$bin"
echo "== peers: the DICOMweb server on 127.0.0.1 (dicomweb-client, bad input, crash, memory)"
bash Tests/Peers/server_contract.sh "$bin"

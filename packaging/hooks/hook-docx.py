"""PyInstaller hook for python-docx: its parts find their XML templates by a path relative to their own
source file (`docx/parts/../templates/…`), so the package's modules must exist as files on disk as well as
in the archive, and its templates must be collected."""

from PyInstaller.utils.hooks import collect_data_files

module_collection_mode = "pyz+py"
datas = collect_data_files("docx")

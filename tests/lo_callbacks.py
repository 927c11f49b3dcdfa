"""Run every ribbon callback of a workbook inside headless LibreOffice; print what RunPython received.

Runs under the system Python that has LibreOffice's ``uno`` module (not the project's venv):

    /usr/bin/python3 tests/lo_callbacks.py WORKBOOK.xlsm OnRefresh OnFlag ...

The workbook must already have its ``xlwings`` module replaced by the recording stub
(see tests/test_libreoffice_callbacks.py). Prints one JSON object: {"commands": [...], "errors": {...}}.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main():
    path, subs = os.path.abspath(sys.argv[1]), sys.argv[2:]
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    pipe = "salesbook_%d" % os.getpid()
    office = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore", "--nologo",
                               "-env:UserInstallation=file://" + profile,
                               "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        ctx = None
        for _ in range(120):
            try:
                ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
                break
            except Exception:
                time.sleep(0.5)
        if ctx is None:
            raise SystemExit("LibreOffice did not start")
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0,
                                           (prop("Hidden", True), prop("MacroExecutionMode", 4)))
        provider = doc.getScriptProvider()
        errors = {}
        for sub in subs:
            try:
                script = provider.getScript(
                    "vnd.sun.star.script:VBAProject.SalesbookRibbon.%s?language=Basic&location=document" % sub)
                script.invoke((doc,), (), ())  # any UNO object stands in for the IRibbonControl
            except Exception as e:  # report, do not stop: the test names the failing callback
                errors[sub] = str(e)[:300]
        sheet = doc.Sheets.getByName("xlwings.conf")
        commands = []
        row = 29
        while True:
            text = sheet.getCellByPosition(0, row).getString()
            if not text:
                break
            commands.append(text)
            row += 1
        doc.close(True)
        print(json.dumps({"commands": commands, "errors": errors}, ensure_ascii=False))
    finally:
        try:
            desktop.terminate()
        except Exception:
            pass
        office.terminate()
        try:
            office.wait(20)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main()

/**
 * The Python UNO client of a warm LibreOffice (the Word agent's warm converter, the viewing
 * service's pool workers), run with LibreOffice's Python (`python3 -c <script> <pipe> <wait s>`):
 * connects to the listening soffice over a named pipe, then converts one JSON job per stdin line
 * (`{"id","in","out"}`) to PDF with the export filter of the document's kind (Writer, Calc,
 * Impress, Draw) and answers one JSON line each. A string, so that it ships inside the compiled .js.
 */
export const UNO_BRIDGE_SCRIPT = String.raw`
import json, sys, time
import uno
from com.sun.star.beans import PropertyValue

def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p

pipe, wait_s = sys.argv[1], float(sys.argv[2])
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
deadline = time.time() + wait_s
while True:
    try:
        ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
        break
    except Exception as error:
        if time.time() > deadline:
            print(json.dumps({"ready": False, "error": str(error)}), flush=True)
            sys.exit(1)
        time.sleep(0.1)
desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    job = json.loads(line)
    if job.get("quit"):
        try:
            desktop.terminate()
        except Exception:
            pass
        break
    try:
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(job["in"]), "_blank", 0,
                                           (prop("Hidden", True), prop("ReadOnly", True)))
        if doc is None:
            raise Exception("LibreOffice could not open the document")
        try:
            pdf_filter = "writer_pdf_Export"
            if doc.supportsService("com.sun.star.sheet.SpreadsheetDocument"):
                pdf_filter = "calc_pdf_Export"
            elif doc.supportsService("com.sun.star.presentation.PresentationDocument"):
                pdf_filter = "impress_pdf_Export"
            elif doc.supportsService("com.sun.star.drawing.DrawingDocument"):
                pdf_filter = "draw_pdf_Export"
            doc.storeToURL(uno.systemPathToFileUrl(job["out"]), (prop("FilterName", pdf_filter),))
        finally:
            doc.close(True)
        print(json.dumps({"id": job["id"], "ok": True}), flush=True)
    except Exception as error:
        print(json.dumps({"id": job["id"], "ok": False, "error": str(error)}), flush=True)
`;

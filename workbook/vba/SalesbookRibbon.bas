Attribute VB_Name = "SalesbookRibbon"
' Ribbon callbacks of the Sales tab (workbook/customUI/customUI14.xml).
' Each runs one function of salesbook/ribbon.py through xlwings' RunPython; the Python side
' shows progress in the status bar and turns every error into one message box.
Option Explicit

Sub OnRefresh(control As IRibbonControl)
    RunPython "import salesbook.ribbon; salesbook.ribbon.refresh()"
End Sub

Sub OnRfm(control As IRibbonControl)
    RunPython "import salesbook.ribbon; salesbook.ribbon.rfm_tiers()"
End Sub

Sub OnFillStrategy(control As IRibbonControl)
    RunPython "import salesbook.ribbon; salesbook.ribbon.fill_strategy()"
End Sub

Sub OnReport(control As IRibbonControl)
    RunPython "import salesbook.ribbon; salesbook.ribbon.report()"
End Sub

Sub OnClean(control As IRibbonControl)
    RunPython "import salesbook.ribbon; salesbook.ribbon.clean()"
End Sub

Sub OnUndoClean(control As IRibbonControl)
    RunPython "import salesbook.ribbon; salesbook.ribbon.undo_clean()"
End Sub

Sub OnFlag(control As IRibbonControl)
    RunPython "import salesbook.ribbon; salesbook.ribbon.flag()"
End Sub

Sub OnClearFlags(control As IRibbonControl)
    RunPython "import salesbook.ribbon; salesbook.ribbon.clear_flags()"
End Sub

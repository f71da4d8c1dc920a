"""The fitted model as something other tools can apply: its description (features,
transforms, clipping, scaling, centres; `description`), the portable `model.json` document
(`document`), assigning new rows in Python (`apply`), in SQL (`sql`) and as ONNX (`onnx`).

Kept free of imports here: `analysis.results` imports `description` at load time.
"""

"""Questions → routed, retrieved, composed and verified answers. Knows nothing of Gradio."""

//! The capture-quality precheck: intake, document detection and quality measurements turned into reasons with scores, thresholds from config, and user messages in en and zh-CN.

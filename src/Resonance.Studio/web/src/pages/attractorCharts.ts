// The attractor lab's curve colours (one per stored memory); its charts are the studio's CurveChart (../chart).
export const palette = ['#3b6fd8', '#2e9e5b', '#9b59b6', '#c99a12', '#17a2b8', '#e83e8c', '#6c757d', '#8a6d3b'];

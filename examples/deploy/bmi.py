from pywebio_nb.input import FLOAT, input
from pywebio_nb.output import put_text

CATEGORIES = [(18.5, "Underweight"), (25, "Normal"), (30, "Overweight"), (float("inf"), "Obese")]


def main() -> None:
    """BMI calculator

    Asks your height and weight and tells your BMI category.
    """
    height = input("Input your height(cm)", type=FLOAT)
    weight = input("Input your weight(kg)", type=FLOAT)
    bmi = weight / (height / 100) ** 2
    status = next(name for top, name in CATEGORIES if bmi <= top)
    put_text(f"Your BMI: {bmi:.1f}. Category: {status}")
